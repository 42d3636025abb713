import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';

/**
 * The data directory holds every definition's environment (secrets included) and every job's
 * output, so only the account running Barge may enter it or read its files. Modes are set with
 * chmod, not left to the umask: a umask of 022 (the usual one) would leave files world-readable.
 */
export const PRIVATE_DIRECTORY_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates the data directory, or makes an existing one private. Returns the mode it had when
 * that was anything else, so the caller can say it changed it.
 */
export function ensurePrivateDirectory(dir: string): number | undefined {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIRECTORY_MODE });
  const mode = statSync(dir).mode & 0o7777;
  if (mode === PRIVATE_DIRECTORY_MODE) return undefined;
  chmodSync(dir, PRIVATE_DIRECTORY_MODE);
  return mode;
}

/**
 * Makes a store file and its companions private before SQLite opens them. The database and
 * its lock file are created here, empty (SQLite takes an empty file as an empty database), so
 * they never exist with SQLite's default 0644. SQLite creates `-wal` and `-shm` later, on
 * its own, and gives them the mode of the database file (its unix VFS copies it, whatever the
 * umask), so a private database keeps them private. Files left by an earlier version with
 * wider modes are narrowed.
 */
export function ensurePrivateStoreFiles(file: string): void {
  for (const path of [file, `${file}.lock`]) closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  for (const path of [file, `${file}.lock`, `${file}-wal`, `${file}-shm`]) narrow(path);
}

function narrow(path: string): void {
  let mode: number;
  try {
    mode = statSync(path).mode & 0o7777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (mode !== PRIVATE_FILE_MODE) chmodSync(path, PRIVATE_FILE_MODE);
}
