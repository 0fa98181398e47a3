import { describe, expect, it } from "vitest";
import { describeUserAgent } from "../../shared/platform.ts";

const UA = {
  chromeLinux: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  headless: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
  iphone: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
  ipad: "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
  mac: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15",
  firefoxWindows: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
  edge: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
  android: "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
};

describe("Web — device names from the user agent (bowser)", () => {
  it("[W30] names browser and OS the way people say them", () => {
    expect(describeUserAgent(UA.chromeLinux)).toBe("Chrome on Linux");
    expect(describeUserAgent(UA.headless)).toBe("Chrome on Linux");
    expect(describeUserAgent(UA.iphone)).toBe("Safari on iPhone");
    expect(describeUserAgent(UA.ipad)).toBe("Safari on iPad");
    expect(describeUserAgent(UA.mac)).toBe("Safari on Mac");
    expect(describeUserAgent(UA.firefoxWindows)).toBe("Firefox on Windows");
    expect(describeUserAgent(UA.edge)).toBe("Edge on Windows");
    expect(describeUserAgent(UA.android)).toBe("Chrome on Android");
  });

  it("[W30] an empty or unknown user agent still gives a name, never throws", () => {
    expect(describeUserAgent("")).toBe("Browser");
    expect(describeUserAgent("curl/8.0")).toMatch(/\S/);
  });
});
