import { ConfigurationError, loadConfiguration } from './configuration';

/** For the configuration specs: the ConfigurationError message `env` is refused with (fails the test if it is accepted). */
export function configurationRefusal(env: NodeJS.ProcessEnv): string {
  try {
    loadConfiguration(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
}
