/** Time, passed in: production uses the wall clock, tests hand in a fixed or stepping one. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
