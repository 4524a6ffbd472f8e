module.exports = { ...require('../../jest.preset.js'), displayName: 'kustomize', rootDir: __dirname };
