/**
 * Resolves with the error a promise rejects with, when it is an instance of
 * errorClass. The test fails when the promise resolves or rejects with
 * anything else.
 */
export async function rejectionOf<E extends Error>(promise: Promise<unknown>, errorClass: new (...args: never[]) => E): Promise<E> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof errorClass) return error;
    throw error;
  }
  throw new Error(`expected a ${errorClass.name}, but the call succeeded`);
}
