export { clientIpResolver, peerClientIp, type ClientIp } from "./client-ip";
export { createFetchHandler, type HttpOptions } from "./handler";
export { assertStorableJson, checkRequestTarget, jsonIssue, MAX_JSON_DEPTH, requestInvalid, textIssue } from "./input";
export { errorResponse, json } from "./respond";
export { Router, type Handler, type RequestContext, type Route } from "./router";
export { listen } from "./server";
export { listenTls, type TlsListener, type TlsPair } from "./tls-server";
