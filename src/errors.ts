/** One detail of an error: which field, what is wrong with it. */
export interface ErrorDetail { path: string; message: string }

/** Every error OneDoor answers with on purpose; the error handler turns it into the contract shape. */
export class AppError extends Error {
  constructor(
    public readonly statusCode: number,
    public readonly code: string,
    message: string,
    public readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, details: ErrorDetail[] = []) => new AppError(400, 'validation_failed', message, details);
export const unauthorized = (message = 'A valid API key is required (Authorization: Bearer <key>).') => new AppError(401, 'unauthorized', message);
export const forbidden = (message = 'This key is not allowed to do that.') => new AppError(403, 'forbidden', message);
export const notFound = (what = 'Resource') => new AppError(404, 'not_found', `${what} not found.`);
export const conflict = (code: string, message: string) => new AppError(409, code, message);
export const unavailable = (message: string) => new AppError(503, 'service_unavailable', message);
