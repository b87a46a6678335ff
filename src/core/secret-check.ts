/** Secrets from the environment (tokens, passwords) are checked once, the same way, wherever they are read. */
import { ConfigError } from './config-error.js';

/**
 * Refuses what cannot be a token: line breaks, other control characters, whitespace at either
 * end. The message names the variable and the character's position class, never the value.
 */
export function checkSecret(name: string, value: string): string {
  if (/[\n\r\u0085\u2028\u2029]/.test(value)) throw new ConfigError(`${name} contains a newline; remove it`);
  const control = /[\u0000-\u001f\u007f-\u009f]/.exec(value);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    throw new ConfigError(`${name} contains a control character (U+${code}); remove it`);
  }
  if (/^\s|\s$/.test(value)) throw new ConfigError(`${name} starts or ends with whitespace; remove it`);
  return value;
}
