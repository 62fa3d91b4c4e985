import { ApiError, worthAskingAgain } from './api';

const refusal = (status: number) => new ApiError(status, 'refused', {});

describe('a failed read is asked again', () => {
  it('when no answer came, the server failed, or it said "not now"', () => {
    expect([0, 500, 502, 503, 408, 429].map((status) => worthAskingAgain(refusal(status)))).toEqual([true, true, true, true, true, true]);
    expect(worthAskingAgain(new TypeError('Failed to fetch'))).toBe(true);
  });

  it('never when the API refused the question itself: the same refusal would only come a second later', () => {
    expect([400, 401, 403, 404, 409, 413, 422].map((status) => worthAskingAgain(refusal(status)))).toEqual([false, false, false, false, false, false, false]);
  });
});
