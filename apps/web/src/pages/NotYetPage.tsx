/** The shell's other sections until their issues land (#6 service forms, #7 Istio config). */
export function NotYetPage({ title, notFound = false }: { title: string; notFound?: boolean }) {
  return (
    <section className="page page--narrow" aria-labelledby="page-title">
      <h1 id="page-title" className="page__title">
        {title}
      </h1>
      <p className="muted">
        {notFound
          ? 'There is no page at this address. Use the navigation on the left.'
          : 'This view is not available in this version of Sextant yet. The graph shows every service and the Istio objects that apply to it.'}
      </p>
    </section>
  );
}
