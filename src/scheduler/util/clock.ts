/** The scheduler's time source: the control plane's Clock. */
export { type Clock, realClock } from '../../util/clock.js';
