// The function of the runtime benchmark: a small handler that returns a JSON object built from its event.
// `holdMs` keeps the invocation running, so that concurrent requests each need an environment of their own.
export const handler = async (event: { id?: number; holdMs?: number }) => {
  if (event.holdMs) await new Promise((resolve) => setTimeout(resolve, event.holdMs));
  return { id: event.id ?? 0, title: 'Harbour at dawn', likes: 17, ready: true };
};
