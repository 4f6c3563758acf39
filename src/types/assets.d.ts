// Files imported `with { type: "text" }` or `{ type: "file" }` (migrations, the packed PostgreSQL).
declare module "*.sql" {
  const text: string;
  export default text;
}
declare module "*.tar.gz" {
  const path: string;
  export default path;
}
declare module "*.md" {
  const text: string;
  export default text;
}
declare module "*.service" {
  const text: string;
  export default text;
}
