/**
 * One shopper's events through the device's own profile reducer, in time order: the site-side fits
 * (purchase intent, segments) read their features from exactly the profile a device would hold.
 */
import { applyEventMut, emptyProfile, type Profile, type ProfileConfig } from '../core/profile/profile';
import type { StoredEvent } from '../core/types';

export class ShopperReplay {
  /** The profile so far; undefined before the first event. */
  protected profile: Profile | undefined;

  constructor(private readonly config: Partial<ProfileConfig>) {}

  /** Applies one event (the first starts the profile). */
  event(e: StoredEvent): void {
    this.profile ??= emptyProfile(e.ts, this.config);
    applyEventMut(this.profile, e, e.ts, this.config);
  }
}
