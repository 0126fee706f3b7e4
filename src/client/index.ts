/** npm entry: `import { createPersonalizer } from 'on-device-personalizer'`. Re-exports only. */
export { createPersonalizer } from './personalizer';
export { VERSION } from './version';
export { PzPrivacyPanel, PzRecommendations, registerElements } from './elements';
export type { WidgetCandidate } from './elements';
export type { Personalizer, PersonalizerOptions } from './personalizer';
export type { Command } from './commands';
export type { ClientEvents, ClientOptions, PersonalizerCalls } from './client';
export type { ExportBundle, Explanation, LastRerank, ReportStatus, TrackAck, WorkerConfig, WorkerRequest, WorkerStatus } from '../core/api';
export type { InterestKind, RemovedInterest } from '../core/privacy/interests';
export type {
  Candidate,
  ConsentState,
  DeviceClass,
  EventType,
  Impression,
  ItemFeatures,
  RankedItem,
  RerankOptions,
  RerankResult,
  ShopperEvent,
} from '../core/types';
