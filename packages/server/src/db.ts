import mongoose, { type Connection } from 'mongoose';

/**
 * One mongoose connection per app instance (never the global default), so tests and several
 * instances can live in one process.
 */
export async function connectDatabase(uri: string, dbName: string): Promise<Connection> {
  const connection = mongoose.createConnection(uri, {
    dbName,
    serverSelectionTimeoutMS: 10_000,
    // Indexes are part of the schema; build them at start in every environment. They are all small.
    autoIndex: true,
  });
  await connection.asPromise();
  return connection;
}
