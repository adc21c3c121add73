import t from 'tap';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { launchBrowser } from '../helpers/browser-harness.js';

t.test('without api.insecure the dashboard works through a user router to api@internal', async (t) => {
  const gw = await startTestGateway({
    static: { api: {} },
    dynamic: {
      'dashboard.yaml': {
        http: {
          routers: {
            dashboard: { rule: 'Host(`dash.test`) && (PathPrefix(`/api`) || PathPrefix(`/dashboard`))', service: 'api@internal', entryPoints: ['web'] },
          },
        },
      },
    },
  });
  t.teardown(() => gw.close());
  // Only *.test names are mapped, to the loopback: Host-based routing without touching real DNS.
  const browser = await launchBrowser(['--host-resolver-rules=MAP *.test 127.0.0.1']);
  t.teardown(() => browser.close());

  const internal = await fetch(gw.url('/dashboard/', 'switchyard'));
  t.equal(internal.status, 404, 'not on the internal entry point');

  const { page, errors } = await browser.newPage();
  await page.goto(`http://dash.test:${gw.port('web')}/dashboard/#/routers`);
  await page.locator('.vlist-spacer [role="row"]:has-text("dashboard@file")').waitFor();
  await page.locator('#live[data-state="live"]').waitFor();
  t.pass('the list and the event stream work through the router');

  await gw.writeDynamic('more.yaml', { http: { routers: { other: { rule: 'Host(`other.test`)', service: 'api@internal', entryPoints: ['web'] } } } });
  await page.locator('.vlist-spacer [role="row"]:has-text("other@file")').waitFor({ timeout: 10_000 });
  t.pass('a live update arrives through the router');
  t.same(errors, []);
});
