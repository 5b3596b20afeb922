import { expect } from 'chai';
import { SendoffError } from '@sendoff/core';

/** The SendoffError `promise` rejects with; fails the test when it resolves or rejects otherwise. */
export async function failureOf(promise: Promise<unknown>): Promise<SendoffError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(SendoffError);
    return error as SendoffError;
  }
  throw new Error('expected a rejection');
}
