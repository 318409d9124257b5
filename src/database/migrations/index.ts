import { InitialSchema1763800000000 } from './1763800000000-initial-schema';

/** Every migration, in order. New ones are appended here (timestamped names). */
export const MIGRATIONS = [InitialSchema1763800000000];
