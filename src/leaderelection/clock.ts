/** Leader election's time source: the control plane's Clock. */
export { type Clock, realClock, sleep } from '../util/clock.js';
