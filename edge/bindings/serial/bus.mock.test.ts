import { describeSerialBusContract, waitUntil } from './bus.contract.ts';
import { MockSerialGateway } from './mock-gateway.ts';

describeSerialBusContract('SerialPortMock', async () => {
  const gw = new MockSerialGateway();
  return {
    link: gw.link,
    send: async (bytes) => {
      if (!gw.send(bytes)) throw new Error('mock port not open');
    },
    receivedBytes: async (n) => {
      await waitUntil(() => gw.received().length >= n, 2000, `${n} bytes at the gateway`);
      return gw.received();
    },
    unplug: async () => gw.unplug(),
    replug: async () => gw.replug(),
    cleanup: async () => {},
  };
});
