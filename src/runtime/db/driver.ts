import type { Sql } from "postgres";
import { StatementPolicy } from "./statement-cache";

type Unsafe = (query: string, args?: unknown[], options?: { prepare?: boolean }) => unknown;

/**
 * The postgres.js client as drizzle should see it: `unsafe` (drizzle's only way in) prepares the
 * statements the policy picks, in transactions and savepoints too. Tagged-template queries (the
 * queue's own SQL) are prepared by postgres.js itself and pass through.
 *
 * Tried and left out: sending BEGIN pipelined with a transaction's first statement on a reserved
 * connection (`sql.reserve()`) to save a round trip; under the widget tests a COMMIT queued behind a
 * statement that needed a describe step was never sent (postgres.js 3.4.9), so transactions keep
 * postgres.js's own `begin`.
 */
export const driverFor = (sql: Sql, policy = new StatementPolicy()): Sql => {
  const wrap = <T extends object>(client: T): T =>
    new Proxy(client, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop === "unsafe") return preparing(target, value as Unsafe, policy);
        if (prop === "begin" || prop === "savepoint") {
          return (...a: unknown[]) => {
            const fn = a.pop() as (c: object) => unknown;
            return (value as (...x: unknown[]) => unknown).call(target, ...a, (c: object) => fn(wrap(c)));
          };
        }
        return value;
      },
    });
  return wrap(sql);
};

const preparing =
  (target: object, unsafe: Unsafe, policy: StatementPolicy) =>
  (query: string, args: unknown[] = [], options: { prepare?: boolean } = {}) =>
    unsafe.call(target, query, args, {
      ...options,
      prepare: options.prepare || policy.shouldPrepare(query, args.length),
    });
