/**
 * The API server refuses a ConfigMap or Secret whose data exceeds 1 MiB: `ValidateConfigMap` and
 * `ValidateSecret` (k8s.io/kubernetes pkg/apis/core/validation/validation.go) sum the values'
 * bytes (decoded, for base64 fields) and compare with `core.MaxSecretSize` = 1 * 1024 * 1024
 * (pkg/apis/core/types.go), which keeps each object well inside etcd's request limit (1.5 MiB,
 * `--max-request-bytes`). Refused at synth, Argo CD never meets a sync that cannot succeed.
 */
import type { K8sObject } from '../../generators/app-objects.js';

const MAX_DATA_BYTES = 1024 * 1024;

export function sizeProblems(obj: K8sObject): string[] {
  if (obj.apiVersion !== 'v1') return [];
  let total: number;
  if (obj.kind === 'ConfigMap') {
    total = sum(obj.data, utf8Bytes) + sum(obj.binaryData, base64Bytes);
  } else if (obj.kind === 'Secret') {
    // stringData is merged into data (overriding its keys) before validation.
    const stringData = isMap(obj.stringData) ? obj.stringData : {};
    const data = Object.fromEntries(Object.entries(isMap(obj.data) ? obj.data : {}).filter(([k]) => !(k in stringData)));
    total = sum(data, base64Bytes) + sum(stringData, utf8Bytes);
  } else {
    return [];
  }
  if (total <= MAX_DATA_BYTES) return [];
  return [
    `data holds ${total} bytes (${(total / MAX_DATA_BYTES).toFixed(2)} MiB); the API server refuses a ${obj.kind} over 1 MiB (${MAX_DATA_BYTES} bytes): split it, or ship the content another way (an image, a volume)`,
  ];
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sum(map: unknown, size: (v: string) => number): number {
  if (!isMap(map)) return 0;
  let total = 0;
  for (const v of Object.values(map)) if (typeof v === 'string') total += size(v);
  return total;
}

function utf8Bytes(v: string): number {
  return Buffer.byteLength(v, 'utf8');
}

/** Decoded length of base64 text, without decoding it. */
function base64Bytes(v: string): number {
  const s = v.replace(/\s/g, '');
  const padding = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((s.length * 3) / 4) - padding);
}
