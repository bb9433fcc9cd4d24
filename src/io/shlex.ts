// Python's shlex.split(s) in POSIX mode, which supervisord applies to an INI `command=`:
// whitespace separates words, '...' is literal, "..." honours \" and \\ only, a backslash
// outside quotes escapes the next character. No shell: no $VAR, globs, pipes or redirects.

/** Splits like shlex.split; throws Error("No closing quotation" | "No escaped character"). */
export function shlexSplit(s: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw new Error('No closing quotation');
      word += s.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      i++;
      for (; i < s.length && s[i] !== '"'; i++) {
        if (s[i] === '\\' && (s[i + 1] === '"' || s[i + 1] === '\\')) i++;
        word += s[i];
      }
      if (i >= s.length) throw new Error('No closing quotation');
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 >= s.length) throw new Error('No escaped character');
      word += s[++i];
      inWord = true;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}
