export interface BullmqTarget {
  redisUrl: string;
  queueName: string;
}

export type BullmqProtocol = {
  load: { params: BullmqTarget & { count: number }; result: { loadMs: number } };
  work: {
    params: BullmqTarget & { concurrency: number; origin: string; path: string; secret: string };
    result: { startedAt: number };
  };
  stop: { params: BullmqTarget; result: { failed: number } };
};
