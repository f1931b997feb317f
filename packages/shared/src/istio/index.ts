export * from './hosts';
