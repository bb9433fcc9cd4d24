// Who is still under pidone, from one read of /proc (through the addon).

/** Every process descended from root (root excluded), split into live ones and zombies. */
export function subtreeOf(root: number, table: Int32Array): { live: number[]; zombies: number[] } {
  const children = new Map<number, number[]>();
  const zombie = new Set<number>();
  for (let i = 0; i < table.length; i += 3) {
    const pid = table[i]!;
    const ppid = table[i + 1]!;
    if (table[i + 2] === 0x5a /* 'Z' */) zombie.add(pid);
    const list = children.get(ppid);
    if (list) list.push(pid);
    else children.set(ppid, [pid]);
  }
  const live: number[] = [];
  const zombies: number[] = [];
  const stack = [...(children.get(root) ?? [])];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    (zombie.has(pid) ? zombies : live).push(pid);
    for (const child of children.get(pid) ?? []) stack.push(child);
  }
  return { live, zombies };
}

/** Pids of every live (non-zombie) process descended from root, root excluded. */
export function descendantsOf(root: number, table: Int32Array): number[] {
  return subtreeOf(root, table).live;
}
