// The function of the gateway benchmark: a warm Node handler that returns a small JSON object.
export const handler = async () => ({ id: 'p-1042', title: 'Harbour at dawn', likes: 17, ready: true });
