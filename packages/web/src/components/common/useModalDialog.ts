import { useEffect, useRef, type SyntheticEvent } from 'react';

/**
 * Opens a native <dialog> as modal while the component is mounted: the browser traps focus, makes the page behind it
 * inert and closes on Escape, which a hand-made overlay would all have to reimplement. Escape is routed to `onClose`
 * so React state, not the dialog, decides whether it is open.
 */
export function useModalDialog(onClose: () => void) {
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open && typeof dialog.showModal === 'function') dialog.showModal();
    return () => dialog?.close();
  }, []);

  const onCancel = (event: SyntheticEvent<HTMLDialogElement>) => {
    event.preventDefault();
    onClose();
  };

  return { ref, onCancel };
}
