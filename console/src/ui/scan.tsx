import { useRef, useState } from 'react';

/**
 * A field for a keyboard-wedge scanner: it types the code and presses Enter. Each Enter hands
 * the code over and clears the field for the next scan.
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
  const [value, setValue] = useState('');
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
            const code = value.trim();
            if (code) onScan(code);
            setValue('');
          }}
        />
      </label>
    </div>
  );
}
