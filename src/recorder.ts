/**
 * `loopft/recorder`: records a chat app's messages into conversation_messages,
 * and the router's served requests into loopft_served_requests, in batches, off the request path. Loads postgres.js and its own small modules only.
 */
export {createRecorder, type Recorder, type RecorderOptions, type RecorderTarget, type RecorderEvents, type RecordedMessage, type RecorderSql, type ServedRequest} from './lib/runtime/recorder.js'
