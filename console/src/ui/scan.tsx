import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CameraScanner } from './camera-scan.js';
import { codeFromScan } from './scan-code.js';

/**
 * A field for a keyboard-wedge scanner: it types the code and presses Enter. Each Enter hands
 * the code over and clears the field for the next scan. Beside it, the phone's camera reads
 * the same codes (QR labels, IMEI and seal barcodes) for those without a scanner.
 */
export function ScanField({
  label,
  onScan,
  disabled,
  autoFocus = true,
}: {
  label: string;
  onScan: (code: string) => void;
  disabled?: boolean;
  autoFocus?: boolean;
}) {
  const { t } = useTranslation();
  const [value, setValue] = useState('');
  const [camera, setCamera] = useState(false);
  const ref = useRef<HTMLInputElement>(null);
  return (
    <div className="field scan">
      <label>
        {label}
        <input
          ref={ref}
          value={value}
          disabled={disabled}
          autoFocus={autoFocus}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return;
            e.preventDefault();
            const code = codeFromScan(value);
            if (code) onScan(code);
            setValue('');
          }}
        />
      </label>
      {camera ? (
        <CameraScanner
          onScan={(text) => onScan(codeFromScan(text))}
          onClose={() => setCamera(false)}
        />
      ) : (
        <button type="button" disabled={disabled} onClick={() => setCamera(true)}>
          {t('scan.useCamera')}
        </button>
      )}
    </div>
  );
}
