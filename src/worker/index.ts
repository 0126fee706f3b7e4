/** Module-worker entry (`pz-worker.js`): exposes the personalizer service to the page with comlink. */
import { expose } from 'comlink';
import { PersonalizerService } from './service';

expose(new PersonalizerService());
