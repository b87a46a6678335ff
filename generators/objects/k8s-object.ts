/** A Kubernetes object as JSON: what every builder returns and every validator reads. */
export type K8sObject = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: Record<string, unknown> & { name?: string };
};
