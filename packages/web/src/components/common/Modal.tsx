import { useId, type ReactNode } from 'react';
import { useModalDialog } from './useModalDialog';

interface ModalProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  className?: string;
}

/** A modal form or list, named by its title. */
export function Modal({ title, onClose, children, className }: ModalProps) {
  const { ref, onCancel } = useModalDialog(onClose);
  const titleId = useId();

  return (
    <dialog
      ref={ref}
      className={className ? `dialog ${className}` : 'dialog'}
      aria-modal="true"
      aria-labelledby={titleId}
      onCancel={onCancel}
    >
      <h2 id={titleId} className="dialog-title">
        {title}
      </h2>
      {children}
    </dialog>
  );
}
