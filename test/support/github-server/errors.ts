/** GitHub's error answers: `{ message, documentation_url, status }`, optionally with `errors`. */

export const DOCS = 'https://docs.github.com/rest';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly documentationUrl: string = DOCS,
    readonly errors?: unknown[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  body(): Record<string, unknown> {
    return {
      message: this.message,
      ...(this.errors ? { errors: this.errors } : {}),
      documentation_url: this.documentationUrl,
      status: String(this.status),
    };
  }
}

export const notFound = (documentationUrl: string = DOCS) => new ApiError(404, 'Not Found', documentationUrl);

export const emptyRepo = (documentationUrl: string = DOCS) => new ApiError(409, 'Git Repository is empty.', documentationUrl);

/** 422 "Validation Failed" with one `errors` entry, as GitHub answers invalid fields. */
export function validationFailed(
  resource: string,
  field: string,
  code: string,
  documentationUrl: string = DOCS,
  message?: string,
): ApiError {
  return new ApiError(422, 'Validation Failed', documentationUrl, [{ resource, code, field, ...(message ? { message } : {}) }]);
}
