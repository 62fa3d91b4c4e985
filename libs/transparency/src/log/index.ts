export * from './leaf-encoding';
