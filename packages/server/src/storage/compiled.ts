import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Database } from './schema.js';

/** Stands in for an argument while the query is compiled; replaced by the real value on every run. */
class Slot {
  constructor(readonly index: number) {}
}

interface Template {
  sql: string;
  query: CompiledQuery['query'];
  parameters: readonly unknown[];
}

// Plugins (none here) are what tell queries apart by id; one id serves every run.
const queryId = { queryId: 'feige-compiled' };

/** Distinct argument counts kept per query and dialect; a multi-row insert has one per row count. */
const shapesPerDialect = 64;

/**
 * A hot query built and compiled by Kysely once per SQL dialect and argument count, then run with fresh arguments.
 * Building and compiling a query costs more than SQLite takes to run it (docs/performance.md), and the queries of a
 * send, an auth or a page never change shape for a given number of arguments. Arguments must be plain values that
 * Kysely binds as parameters. A query whose shape depends on how many values there are (an `IN` list, a multi-row
 * insert) takes them as rest arguments: `build` sees as many slots as the call passes, and each count is compiled
 * once. Anything else whose SQL text depends on a value (an optional filter) does not belong here.
 */
export function compiledQuery<A extends unknown[], O>(build: (db: Kysely<Database>, ...args: A) => Compilable<O>) {
  // Keyed by the dialect adapter, which a transaction shares with its parent Kysely instance.
  const templates = new WeakMap<object, Map<number, Template>>();

  function template(db: Kysely<Database>, arity: number): Template {
    const adapter = db.getExecutor().adapter;
    let shapes = templates.get(adapter);
    if (!shapes) {
      shapes = new Map();
      templates.set(adapter, shapes);
    }
    let found = shapes.get(arity);
    if (!found) {
      const slots = Array.from({ length: arity }, (_, i) => new Slot(i)) as unknown as A;
      const compiled = build(db, ...slots).compile();
      found = { sql: compiled.sql, query: compiled.query, parameters: compiled.parameters };
      if (shapes.size >= shapesPerDialect) shapes.clear();
      shapes.set(arity, found);
    }
    return found;
  }

  return function run(db: Kysely<Database>, ...args: A): Promise<QueryResult<O>> {
    const t = template(db, args.length);
    const parameters = t.parameters.map((p) => (p instanceof Slot ? args[p.index] : p));
    return db.executeQuery<O>({ sql: t.sql, query: t.query, parameters, queryId });
  };
}
