import type { Db } from "./client";

/**
 * A query built once per database handle and reused (drizzle's `.prepare()` with `sql.placeholder`
 * parameters). Building a drizzle query — walking the schema, escaping every column name of a wide
 * join — cost more CPU than PostgreSQL spent running it on the hottest paths; a prepared one only
 * fills in its parameters. For queries outside transactions (a prepared query is bound to its handle).
 */
export const preparedOnce = <Q>(build: (db: Db) => Q): ((db: Db) => Q) => {
  const built = new WeakMap<Db, Q>();
  return (db) => {
    let q = built.get(db);
    if (!q) built.set(db, (q = build(db)));
    return q;
  };
};
