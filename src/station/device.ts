import { execFile } from 'node:child_process';
import { readFile, realpath, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A block device as the kernel describes it. */
export interface DeviceIdentity {
  path: string;
  /** Kernel name, e.g. sdb, nvme0n1, loop3. */
  name: string;
  serial: string | null;
  model: string | null;
  sizeBytes: number;
  /** Where the serial came from: the kernel (udev/sysfs), or the station's loop-device list. */
  serialSource: 'kernel' | 'loop-config' | 'none';
  /** Mount points of the device or any of its partitions. */
  mounted: string[];
}

export class DeviceError extends Error {
  constructor(
    message: string,
    readonly code: 'DEVICE_UNAVAILABLE' | 'DEVICE_NOT_ALLOWED',
  ) {
    super(message);
    this.name = 'DeviceError';
  }
}

interface LsblkDevice {
  name: string;
  serial?: string | null;
  model?: string | null;
  size?: number | string | null;
  mountpoint?: string | null;
  mountpoints?: Array<string | null>;
  children?: LsblkDevice[];
}

const clean = (v: string | null | undefined) => {
  const t = v?.replace(/[^\x20-\x7e]/g, '').trim();
  return t ? t : null;
};

/**
 * Identifies a block device before anything is written to it: serial and model from udev via
 * lsblk (SATA/SAS/USB), falling back to sysfs (/sys/block/<dev>/device/serial for NVMe,
 * /sys/block/<dev>/serial for virtio); size from the kernel. A loop device has no serial: its
 * identity is the serial the station's STATION_LOOP_SERIALS gives its backing file.
 */
export async function identifyDevice(
  path: string,
  loopSerials: ReadonlyMap<string, string>,
): Promise<DeviceIdentity> {
  let real: string;
  try {
    real = await realpath(path);
    if (!(await stat(real)).isBlockDevice()) throw new Error('not a block device');
  } catch (err) {
    throw new DeviceError(
      `${path} is not a block device here (${(err as Error).message})`,
      'DEVICE_UNAVAILABLE',
    );
  }
  const name = basename(real);
  let info: LsblkDevice;
  try {
    const { stdout } = await run('lsblk', [
      '-J',
      '-b',
      '-o',
      'NAME,SERIAL,MODEL,SIZE,MOUNTPOINT',
      real,
    ]);
    info = (JSON.parse(stdout) as { blockdevices: LsblkDevice[] }).blockdevices[0];
  } catch (err) {
    throw new DeviceError(
      `lsblk cannot read ${real}: ${(err as Error).message}`,
      'DEVICE_UNAVAILABLE',
    );
  }
  const mounted: string[] = [];
  const walk = (d: LsblkDevice) => {
    for (const m of [d.mountpoint, ...(d.mountpoints ?? [])]) if (m) mounted.push(m);
    d.children?.forEach(walk);
  };
  walk(info);
  const sys = async (file: string) => clean(await readFile(file, 'utf8').catch(() => null));
  let serial =
    clean(info.serial) ??
    (await sys(`/sys/block/${name}/device/serial`)) ??
    (await sys(`/sys/block/${name}/serial`));
  let serialSource: DeviceIdentity['serialSource'] = serial ? 'kernel' : 'none';
  if (name.startsWith('loop')) {
    const backing = await sys(`/sys/block/${name}/loop/backing_file`);
    const configured = backing ? loopSerials.get(backing) : undefined;
    serial = configured ?? null;
    serialSource = configured ? 'loop-config' : 'none';
  }
  const sectors = Number(await sys(`/sys/block/${name}/size`));
  const sizeBytes = Number(info.size ?? 0) || (Number.isFinite(sectors) ? sectors * 512 : 0);
  return {
    path: real,
    name,
    serial,
    model: clean(info.model) ?? (await sys(`/sys/block/${name}/device/model`)),
    sizeBytes,
    serialSource,
    mounted,
  };
}
