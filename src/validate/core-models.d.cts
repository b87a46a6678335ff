// Types of core-models.cjs (see there why it is CommonJS).
interface ModelInstance {
  validate(): void;
}
export interface ModelClass {
  new (data: Record<string, unknown>): ModelInstance;
  readonly prototype: ModelInstance;
}
declare const loaders: Readonly<Record<string, () => ModelClass>>;
export = loaders;
