/**
 * The AWS CLI majors the CLI smoke tests drive. The default suite drives v2, which Debian ships
 * (`apt-get install awscli`); v1 is pip-only, so its tests run only when asked for:
 * `npm run test:cli-v1` (BARGE_TEST_CLIS=v1), or BARGE_TEST_CLIS=v1,v2.
 */
export function cliMajors(): ('v1' | 'v2')[] {
  const asked = (process.env['BARGE_TEST_CLIS'] ?? 'v2').split(',').map((s) => s.trim());
  const majors = asked.filter((m): m is 'v1' | 'v2' => m === 'v1' || m === 'v2');
  if (majors.length === 0) throw new Error(`BARGE_TEST_CLIS must list v1 and/or v2, got ${process.env['BARGE_TEST_CLIS']}`);
  return majors;
}
