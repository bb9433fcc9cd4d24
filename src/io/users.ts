// Resolves a program's `user` the way setuid programs do: /etc/passwd for uid, primary gid,
// home and shell, /etc/group for supplementary groups (supervisord: initgroups semantics).
import { readFileSync } from 'node:fs';

export interface Account {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  readonly groups: readonly number[];
}

function rows(file: string): string[][] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
  } catch {
    return [];
  }
}

/** Looks up a user by name or numeric uid; null when unknown. */
export function lookupUser(user: string, passwd = '/etc/passwd', group = '/etc/group'): Account | null {
  const numeric = /^\d+$/.test(user);
  const row = rows(passwd).find((r) => (numeric ? r[2] === user : r[0] === user));
  if (!row) {
    // A bare uid without a passwd entry still works (common in containers: --user 1000).
    return numeric ? { name: user, uid: Number(user), gid: Number(user), home: '/', groups: [Number(user)] } : null;
  }
  const name = row[0]!;
  const gid = Number(row[3]);
  const groups = [gid];
  for (const g of rows(group)) {
    const members = (g[3] ?? '').split(',');
    const id = Number(g[2]);
    if (members.includes(name) && !groups.includes(id)) groups.push(id);
  }
  return { name, uid: Number(row[2]), gid, home: row[5] || '/', groups };
}
