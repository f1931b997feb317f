export * from './weights';
export * from './schemas';
export * from './diff';
export * from './virtualService';
export * from './routePolicy';
export * from './destinationPolicy';
export * from './requestRouting';
export * from './peerAuthentication';
