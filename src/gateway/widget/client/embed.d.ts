// embed.js is served as text (imported `with { type: "text" }`), never executed on the server.
declare const source: string;
export default source;
