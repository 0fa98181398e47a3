/** An ICS feed on loopback holding one timed event: the user's calendar in the flights tests (M22). */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export type IcsFeed = { url: string; close: () => Promise<void> };

export async function icsFeed(title: string, start: Date, end: Date): Promise<IcsFeed> {
  const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const body = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", "BEGIN:VEVENT", "UID:flights-1@test", `DTSTAMP:${stamp(new Date())}`, `SUMMARY:${title}`, `DTSTART:${stamp(start)}`, `DTEND:${stamp(end)}`, "END:VEVENT", "END:VCALENDAR", ""].join("\r\n");
  const server = createServer((_req, res) => void res.writeHead(200, { "content-type": "text/calendar" }).end(body));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/calendar.ics`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
