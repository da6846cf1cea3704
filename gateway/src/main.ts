import { runMain } from '#kernel';
import { loadGatewayConfig } from './gateway-config';
import { startGateway } from './gateway-server';

runMain(() => startGateway(loadGatewayConfig(process.argv.slice(2))));
