/**
 * loopbridge-blockhound: a BlockHound integration that marks loop threads as non-blocking (see
 * {@link io.loopbridge.blockhound.LoopBridgeBlockHoundIntegration}).
 */
package io.loopbridge.blockhound;
