// Hive Gateway as the public benchmark runs it (gateways/hive-gateway/gateway.config.ts):
// identical in-flight requests merged, and GraphQL documents JIT-compiled.
export const gatewayConfig = {
  inboundInflightRequestDeduplication: true,
  jit: true,
};
