// The function of the runtime benchmark: a small handler that returns a JSON object built from its event.
export const handler = async (event: { id?: number }) => ({ id: event.id ?? 0, title: 'Harbour at dawn', likes: 17, ready: true });
