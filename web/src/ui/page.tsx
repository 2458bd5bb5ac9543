import { ReactNode, useEffect, useRef } from 'react';

/**
 * A page with its heading: sets the document title and moves focus to the heading when the
 * page opens, so a screen reader announces where a link led.
 */
export function Page({
  title,
  lead,
  children,
  narrow = false,
}: {
  title: string;
  lead?: ReactNode;
  children: ReactNode;
  narrow?: boolean;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Gatehouse`;
    heading.current?.focus({ preventScroll: false });
  }, [title]);
  return (
    <div className={narrow ? 'page narrow' : 'page'}>
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {lead && <p className="lead">{lead}</p>}
      {children}
    </div>
  );
}

export function Section({
  title,
  id,
  children,
  description,
  wide = false,
}: {
  title: string;
  id?: string;
  children: ReactNode;
  description?: ReactNode;
  /** Spans the whole width of a grid (tables). */
  wide?: boolean;
}) {
  const headingId = `${id ?? title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-heading`;
  return (
    <section className={wide ? 'card wide' : 'card'} id={id} aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {description && <p className="muted">{description}</p>}
      {children}
    </section>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="muted" role="status">
      {label}
    </p>
  );
}
