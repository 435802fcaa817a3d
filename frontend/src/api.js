// The integration's websocket commands, as the panel calls them.

export const listThreads = (hass, filters) =>
  hass.callWS({ type: "dinstar/messages/threads", ...filters });

export const threadPage = (hass, thread, before, filters) =>
  hass.callWS({
    type: "dinstar/messages/thread",
    thread,
    limit: 50,
    ...(before ? { before } : {}),
    ...filters,
  });

export const markRead = (hass, thread, upTo) =>
  hass.callWS({ type: "dinstar/messages/mark_read", thread, ...(upTo ? { up_to: upTo } : {}) });

export const sendSms = (hass, entryId, port, number, text) =>
  hass.callWS({ type: "dinstar/messages/send", entry_id: entryId, port, number, text });

export const subscribeMessages = (hass, onUpdate) =>
  hass.connection.subscribeMessage(onUpdate, { type: "dinstar/messages/subscribe" });
