// Why a program could not be started, as data. The kind decides everything that used to be
// guessed from the message: pidone's exit code (127/126, the same in single and supervisor
// mode, as a shell answers), the XML-RPC fault, whether retrying can ever help. The message is
// supervisord's spawnerr wording, for logs and `status`.

/** The ways a start can fail before the program runs. */
export type SpawnErrorKind =
  /** No such file, on PATH or at the path given (also a script whose interpreter is missing). */
  | 'not_found'
  /** The file exists but cannot be executed: no x bit, a directory, not a binary (EACCES, ENOEXEC). */
  | 'not_executable'
  /** `command` cannot be split into an argv (unbalanced quotes) or is empty. */
  | 'bad_command'
  /** `directory` cannot be entered. */
  | 'bad_directory'
  /** `user` does not exist. */
  | 'bad_user'
  /** Switching to `user` (or its groups) was refused: pidone is not root, or setuid failed. */
  | 'privilege'
  /** A resource limit or priority could not be applied. */
  | 'limit'
  /** The system ran short (fork EAGAIN, no pipes, out of descriptors): may work later. */
  | 'resources';

export interface SpawnError {
  readonly kind: SpawnErrorKind;
  /** supervisord's spawnerr text, e.g. "can't find command 'web'". */
  readonly message: string;
  /** The errno name behind it, when there is one (ENOENT, EACCES...). */
  readonly errno?: string;
}

/** The exit code a shell would give: 127 not found, 126 found but could not be run. */
export function spawnErrorCode(kind: SpawnErrorKind): number {
  return kind === 'not_found' ? 127 : 126;
}

/**
 * Retrying cannot help without a change of config or system (a missing user, a user switch a
 * non-root pidone cannot make, an unparseable command): the process goes FATAL at once instead
 * of retrying forever under YAML pacing. A missing file or directory may still appear (a volume
 * mounted later), so those are retried like supervisord does.
 */
export function isPermanent(kind: SpawnErrorKind): boolean {
  // A limit the kernel refused (above the hard limit, not permitted) is refused again.
  return kind === 'bad_user' || kind === 'privilege' || kind === 'bad_command' || kind === 'limit';
}
