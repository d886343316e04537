import { startDevFakes } from "./dev.ts";

/**
 * `npm run fakes`: local fake Paynow and Flutterwave for trying payment flows by hand. Prints
 * the environment to start the app with. Ports: PAYNOW_FAKE_PORT (4010), FLUTTERWAVE_FAKE_PORT
 * (4020); APP_URL (http://127.0.0.1:3000) is where Flutterwave's webhooks go; FAKE_TIME_SCALE
 * (1) shortens Paynow's test-number delays.
 */
async function main(): Promise<void> {
  const appUrl = process.env.APP_URL ?? "http://127.0.0.1:3000";
  const fakes = await startDevFakes({
    paynowPort: Number(process.env.PAYNOW_FAKE_PORT ?? 4010),
    flutterwavePort: Number(process.env.FLUTTERWAVE_FAKE_PORT ?? 4020),
    timeScale: Number(process.env.FAKE_TIME_SCALE ?? 1),
    flutterwaveWebhookUrl: `${appUrl}/api/v1/payments/webhooks/flutterwave`,
  });
  const env = Object.entries(fakes.env)
    .map(([name, value]) => `${name}=${value}`)
    .join(" \\\n  ");
  console.log(`
  Fake Paynow:      ${fakes.paynow.url}   (what it holds: ${fakes.paynow.url}/_fake/transactions)
  Fake Flutterwave: ${fakes.flutterwave.url}   (what it holds: ${fakes.flutterwave.url}/_fake/state)
  Flutterwave webhooks go to ${appUrl}

  Start the app against them (another terminal):

  ${env} \\
  npm start

  EcoCash/OneMoney test numbers: 0771111111 paid after 5 s, 0772222222 paid after 30 s,
  0773333333 fails after 30 s, 0774444444 insufficient balance, any other never answers.
  Cards: on the fake Flutterwave page pick a test card (succeeds, insufficient funds,
  fraudulent) or cancel. Web checkout: the fake Paynow page offers Faked Success or Cancel.
  Ctrl-C stops them.
`);
  const stop = async () => {
    await fakes.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
