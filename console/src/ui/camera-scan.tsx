import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** What a camera scanner hands over: the code, and how it was read (for the record). */
export type ScanSource = 'barcode-detector' | 'zxing';

interface Detector {
  detect(source: HTMLVideoElement): Promise<Array<{ rawValue: string }>>;
}
type DetectorClass = new (opts: { formats: string[] }) => Detector;

/** Trace-code QR labels, IMEI barcodes (Code 128) and seal numbers (Code 128 / QR). */
const FORMATS = ['qr_code', 'code_128', 'code_39', 'ean_13', 'data_matrix'];

/** A short beep and a buzz, so the user knows the scan took without looking at the screen. */
function signal() {
  try {
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = 1760;
    gain.gain.value = 0.1;
    tone.connect(gain).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.12);
    tone.onended = () => void audio.close();
  } catch {
    // No audio (muted tab, old browser): the vibration and the list still say it.
  }
  navigator.vibrate?.(80);
}

/**
 * Reads codes with the device's camera (the back camera on a phone): the browser's own
 * BarcodeDetector where it has one, else ZXing in JavaScript. Each new code is handed over once
 * (the same code again only after two seconds, so a label held in view is not scanned twice).
 */
export function CameraScanner({
  onScan,
  onClose,
}: {
  onScan: (code: string, source: ScanSource) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const onScanRef = useRef(onScan);
  onScanRef.current = onScan;

  useEffect(() => {
    let stopped = false;
    let stream: MediaStream | null = null;
    let stopZxing: (() => void) | null = null;
    let last = { code: '', at: 0 };
    const found = (code: string, source: ScanSource) => {
      const now = Date.now();
      if (code === last.code && now - last.at < 2000) return;
      last = { code, at: now };
      signal();
      onScanRef.current(code, source);
    };
    const start = async () => {
      if (!navigator.mediaDevices?.getUserMedia) {
        setProblem(t('scan.noCamera'));
        return;
      }
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: { ideal: 'environment' } },
        audio: false,
      });
      const el = video.current;
      if (stopped || !el) return;
      el.srcObject = stream;
      await el.play();
      const Native = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
      if (Native) {
        const detector = new Native({ formats: FORMATS });
        const tick = async () => {
          if (stopped) return;
          const codes = await detector.detect(el).catch(() => []);
          for (const c of codes) found(c.rawValue, 'barcode-detector');
          window.setTimeout(() => void tick(), 150);
        };
        void tick();
      } else {
        // Loaded only when needed: most of the console never scans with a camera.
        const { BrowserMultiFormatReader } = await import('@zxing/browser');
        const reader = new BrowserMultiFormatReader();
        const controls = await reader.decodeFromVideoElement(el, (result) => {
          if (result) found(result.getText(), 'zxing');
        });
        if (stopped) controls.stop();
        else stopZxing = () => controls.stop();
      }
    };
    start().catch((err: unknown) => {
      const name = (err as Error).name;
      setProblem(
        name === 'NotAllowedError' || name === 'SecurityError'
          ? t('scan.denied')
          : t('scan.noCamera'),
      );
    });
    return () => {
      stopped = true;
      stopZxing?.();
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, [t]);

  return (
    <div className="camera-scan" role="group" aria-label={t('scan.camera')}>
      {problem ? (
        <p className="error" role="alert">
          {problem}
        </p>
      ) : (
        <>
          <video ref={video} muted playsInline aria-label={t('scan.viewfinder')} />
          <p className="muted">{t('scan.aim')}</p>
        </>
      )}
      <button type="button" onClick={onClose}>
        {t('scan.close')}
      </button>
    </div>
  );
}
